# Regenerates printf.tsv with python3 3.11: python3 gen_printf.py > printf.tsv
# Columns: format (escaped), args, result or !Error: msg.
# args: 'T' + values joined by \x1e (a tuple), 'S' + one value (not a tuple),
# 'D' + key\x1dvalue pairs joined by \x1e (a dict). Values: i:<hex> f:<f64 bits> s:<text> n:
import random, struct
random.seed(9)
def esc(s): return s.replace('\\','\\\\').replace('\t','\\t').replace('\n','\\n')
def res(f):
    try: return esc(f())
    except Exception as e: return '!'+type(e).__name__+': '+esc(str(e))
def ev(v):
    if v is None: return 'n:'
    if isinstance(v,float): return 'f:%016x'%struct.unpack('<Q',struct.pack('<d',v))[0]
    if isinstance(v,int): return 'i:'+hex(v)
    return 's:'+esc(v)
def ea(a):
    if isinstance(a,tuple): return 'T'+'\x1e'.join(ev(v) for v in a)
    if isinstance(a,dict): return 'D'+'\x1e'.join(k+'\x1d'+ev(v) for k,v in a.items())
    return 'S'+ev(a)
out=[]
def add(f,a): out.append('\t'.join([esc(f), ea(a), res(lambda: f % a)]))
ints=[0,1,-1,42,-42,255,-255,65,0x1f,10**20,-(10**20),2**64,0x10ffff,0x110000,233,128512]
floats=[0.0,-0.0,1.0,-1.5,2.5,2.675,3.14159,-3.14159,1e16,1e-5,12345.678,1e100,5e-324,float('inf'),float('-inf'),float('nan'),0.1,1/3,-0.0001,123456789.0,9.99999]
strs=['','a','abc','héllo','日本','x\ny',"it's",'é','😀']
types='sradiuoxXeEfFgGc'
for _ in range(6000):
    t=random.choice(types)
    flags=''.join(random.sample('-+ #0', random.randint(0,3)))
    width=random.choice(['','','1','5','12','*'])
    prec=random.choice(['','','.0','.1','.3','.12','.*',"."])
    lm=random.choice(['']*8+['l','h','L'])
    f='%'+flags+width+prec+lm+t
    r=random.random()
    if t in 'sra': pool=strs+ints+floats+[None]
    elif t=='c': pool=ints+['a','é','😀','ab','']+[1.5]
    elif t in 'diuoxX': pool=ints+(floats if r<0.3 else [])+(['a',None] if r<0.05 else [])
    else: pool=floats+(ints if r<0.3 else [])+(['a'] if r<0.05 else [])
    v=random.choice(pool)
    a=[]
    if width=='*': a.append(random.choice([5,-5,0,12,-1]))
    if prec=='.*': a.append(random.choice([0,2,-3,5]))
    a.append(v)
    pre=random.choice(['','x=','<','abc '])
    post=random.choice(['','|',' end','%%'])
    if len(a)==1 and random.random()<0.3 and not isinstance(v,tuple):
        add(pre+f+post, v)
    else:
        add(pre+f+post, tuple(a))
hand=[('%5%',(1,)),('%5%|%s',(1,)),('%%',()),('%%%s',(1,)),('%(a)s %(b)d',{'a':'x','b':2}),('%(a)s %s',{'a':'x'}),('%s %(a)s',{'a':'x'}),('%(a)*d',{'a':1}),('%*d',(5,3)),('%-*d|',(5,3)),('%*d|',(-5,3)),('%.*f',(2,3.14159)),('%*.*f|',(8,2,3.14159)),('%(a)s',()),('%s',()),('%s %s',(1,)),('%s',(1,2)),('abc',()),('abc',(1,)),('abc',5),('abc',{'a':1}),('%c','a'),('%c',65),('%05c',65),('%05s','ab'),('%a','é'),('%#o %#x %#X',(8,255,255)),('%#5x|%-#8x|%#08x|%08x',(255,255,255,-255)),('%+d % d %+ d % +d',(5,5,5,5)),('%.5d %.5x %#.5x %-+8.5d|',(-42,42,42,42)),('%ld %hd %Ld',(1,2,3)),('%',()),('%5',()),('%(a',{}),('%(a)',{'a':1}),('%(',{}),('%y',1),('%é',1),('%\x00',1),('%s %y',(1,2)),('%i %u',(3.9,-3.9)),('%x',3.0),('%.3s',12345),('%0-5d|',3),('%-05d|',-3),('%1000000000000000000000d',1),('%.1000000000000000000000d',1),('%*d',(2**63,1)),('%.*d',(-3,1)),('%.*s',(2**40,'a')),('%s%%',5),('%%s',5),('%d',10**5000),('%s',10**5000),('%x',10**5000),('%c',0x110000),('%c',-1),('%c',2**70),('%c','ab'),('%c',''),('%c',3.5),('%d','a'),('%i',None),('%x','a'),('%f','a'),('%e',None),('%e',10**400),('%*s',('a',1)),('%*s',(5.0,1)),('%.f',1.5),('%.s|','abc'),('%((a))s',{'(a)':1}),('%(a)(b)s',{'a':1}),('%(a)s',5),('%hhd',1),('%y',()),('%(a)s %(a)r',{'a':'q'}),('%s',{'a':1}),('%s %s',{'a':1}),('%(x)d',{'x':3.7}),('',()),('',5),('no conv',()),('日本%s語',('é',)),('%-5s|%5s|',('日本','é')),('%9223372036854775807d',1),('%9223372036854775807d','a'),('%-9223372036854775807s',''),('%.2147483648f',1.0)]
for f,a in hand: add(f,a)
print('\n'.join(out))
